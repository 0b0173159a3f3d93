import { css } from 'lit';
import { controlStyles, themeTokens } from '../styles/tokens.ts';

export default [
  themeTokens,
  controlStyles,
  css`
    :host {
      display: block;
      font-family: var(--_font);
      font-size: var(--_font-size);
      color: var(--_text);
      background: var(--_bg);
    }

    :host([hidden]) {
      display: none;
    }

    .base {
      display: grid;
      gap: calc(var(--_space) * 2);
      max-width: 28rem;
      padding: calc(var(--_space) * 2);
    }

    h1,
    h2,
    p {
      margin: 0;
    }

    h1 {
      font-size: 1.4em;
    }

    h2 {
      font-size: 1.15em;
    }

    h2:focus {
      outline: none;
    }

    form,
    .outcome {
      display: grid;
      gap: calc(var(--_space) * 1.5);
    }

    .outcome {
      padding: calc(var(--_space) * 2);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
    }

    .button {
      justify-self: start;
      text-decoration: none;
    }

    .error {
      color: var(--_danger);
    }
  `,
];
