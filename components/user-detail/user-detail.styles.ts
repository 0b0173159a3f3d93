import { css } from 'lit';
import { controlStyles } from '../styles/tokens.ts';

export default [
  controlStyles,
  css`
    :host {
      display: contents;
    }

    ul,
    ol {
      margin: 0 0 calc(var(--_space) * 2);
      padding-inline-start: calc(var(--_space) * 2);
      overflow-wrap: anywhere;
    }

    .pages {
      display: flex;
      align-items: center;
      gap: var(--_space);
    }
  `,
];
