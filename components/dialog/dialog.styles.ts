import { css } from 'lit';
import { controlStyles } from '../styles/tokens.ts';

export default [
  controlStyles,
  css`
    :host {
      display: contents;
    }

    dialog {
      width: min(var(--_dialog-width, 32rem), calc(100vw - 2rem));
      padding: 0;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_bg);
      color: var(--_text);
      font-family: var(--_font);
      font-size: var(--_font-size);
    }

    dialog::backdrop {
      background: rgb(0 0 0 / 0.4);
    }

    .header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: var(--_space);
      padding: calc(var(--_space) * 2);
      border-bottom: 1px solid var(--_border);
    }

    h2 {
      margin: 0;
      font-size: 1.15em;
      overflow-wrap: anywhere;
    }

    .body {
      padding: calc(var(--_space) * 2);
    }

    footer {
      display: flex;
      justify-content: flex-end;
      gap: var(--_space);
      padding: calc(var(--_space) * 2);
      border-top: 1px solid var(--_border);
    }

    .close {
      border: 0;
      background: none;
      font-size: 1.4em;
      line-height: 1;
      cursor: pointer;
    }
  `,
];
