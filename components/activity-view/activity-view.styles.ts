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

    /*
     * Words break only between them (Debian's Chromium has no hyphenation dictionary, so
     * "hyphens: auto" would do nothing): a word breaks inside only when it alone is wider than the line.
     */
    td {
      overflow-wrap: break-word;
    }

    .table-wrap {
      container-type: inline-size;
    }

    /*
     * Too narrow for four columns of German ("Onboarding abgeschlossen", "E-Mail-Adresse"): each entry
     * stacks, its time and action on one line, "By: …" and "User: …" on their own.
     */
    @container (width < 36rem) {
      thead {
        display: none;
      }

      tr {
        display: grid;
        grid-template-columns: auto minmax(0, 1fr);
        gap: 0 var(--_space);
        padding-block: var(--_space);
        border-bottom: 1px solid var(--_border);
      }

      td {
        padding: 0;
        border: 0;
      }

      td[data-label] {
        grid-column: 1 / -1;
      }

      td[data-label]::before {
        content: attr(data-label) ': ';
        color: var(--_muted);
      }
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
