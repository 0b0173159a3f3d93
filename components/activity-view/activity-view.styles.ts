import { css } from 'lit';
import detailStyles from '../user-detail/user-detail.styles.ts';

/** The detail panel's (the controls, the footer's Newer / Older), wider, and the whole screen of a phone. */
export default [
  detailStyles,
  css`
    :host {
      --_dialog-width: 60rem;
    }

    /*
     * One height whatever the results (as tall as the screen allows, up to 44rem): the panel neither
     * grows nor re-centres as entries come and go, even while a date is typed; the entries scroll inside.
     */
    panta-dialog::part(dialog) {
      height: min(44rem, calc(100dvh - 2rem));
    }

    panta-dialog::part(dialog):modal {
      display: grid;
      grid-template-rows: auto minmax(0, 1fr) auto;
    }

    panta-dialog::part(body) {
      overflow: auto;
    }

    /* The modal dialog lies over the viewport, whatever the element's own width: here the viewport is what to measure. */
    @media (max-width: 40rem) {
      panta-dialog::part(dialog) {
        width: 100vw;
        max-width: none;
        height: 100dvh;
        max-height: none;
        margin: 0;
        border: 0;
        border-radius: 0;
      }
    }

    .filters {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr));
      gap: var(--_space);
      align-items: end;
    }

    .actions {
      display: flex;
      gap: var(--_space);
    }

    .field-error:empty {
      display: none;
    }

    .chip {
      margin-block: var(--_space);
      border-radius: 999px;
    }

    td {
      overflow-wrap: anywhere;
    }

    .name {
      padding: 0;
      border: 0;
      background: none;
      text-align: start;
      text-decoration: underline dotted;
      cursor: pointer;
    }
  `,
];
