import { css } from 'lit';
import { controlStyles, hostStyles, themeTokens } from '../styles/tokens.ts';

export default [
  themeTokens,
  hostStyles,
  controlStyles,
  css`
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
