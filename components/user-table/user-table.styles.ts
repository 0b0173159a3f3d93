import { css } from 'lit';

/**
 * The table's own rules. It draws without a shadow root of its own, so these are adopted by the
 * shadow root it is drawn in: `<panta-user-management>` includes them in its styles.
 */
export default css`
  panta-user-table {
    display: contents;
  }

  /*
   * Column widths fixed by the header, not by the rows: they do not jump when a page is empty, a
   * tab shows other rows or a reason appears. Narrower hosts scroll the table inside its frame.
   */
  table {
    table-layout: fixed;
    min-width: 44rem;
  }

  th:nth-child(1) {
    width: 2.5rem;
  }

  th:nth-child(2),
  th:nth-child(5) {
    width: 21%;
  }

  /* Email: the longest words of a row, broken only where they do not fit. */
  th:nth-child(3) {
    width: 24%;
  }

  th:nth-child(4) {
    width: 8rem;
  }

  /* Actions: room for four icon buttons on one line (Pending: edit, resend, copy link, revoke), whatever the language. */
  th:last-child {
    width: 11rem;
  }

  /*
   * The Active tab's actions (its seventh column) are two (edit, delete): the room left goes to its extra
   * column and German's long headings. Pending and Recently deleted keep the same widths.
   */
  th:nth-child(7) {
    width: 5.5rem;
  }

  /* The Active tab's last sign-in ("3 days ago"), before the actions. */
  th:nth-child(6):not(:last-child) {
    width: 17%;
  }

  td {
    overflow-wrap: anywhere;
  }

  .stacked-label {
    display: none;
  }

  .table-wrap {
    position: relative;
  }

  /* Reloading: a thin bar runs along the top of the kept rows. */
  .progress {
    position: sticky;
    inset-inline-start: 0;
    top: 0;
    height: 3px;
    margin-bottom: -3px;
    overflow: hidden;
    background: color-mix(in srgb, var(--_primary) 25%, transparent);
  }

  .progress::before {
    content: '';
    display: block;
    height: 100%;
    width: 30%;
    background: var(--_primary);
    animation: panta-progress 1.2s ease-in-out infinite;
  }

  .progress[hidden] {
    display: none;
  }

  @keyframes panta-progress {
    from {
      transform: translateX(-100%);
    }
    to {
      transform: translateX(340%);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .progress::before {
      width: 100%;
      animation: none;
    }
  }

  .stale tbody {
    opacity: 0.45;
    transition: opacity 0.15s;
  }

  th button {
    /* A long heading (German's "Onboarding abgeschlossen") wraps inside its column, never over the next. */
    white-space: normal;
    overflow-wrap: anywhere;
    text-align: start;
    border: 0;
    background: none;
    font-weight: inherit;
    color: inherit;
    cursor: pointer;
    padding: 0;
  }

  .badge {
    display: inline-block;
    padding: 0 var(--_space);
    border-radius: 999px;
    border: 1px solid var(--_border);
    font-size: 0.85em;
    white-space: nowrap;
  }

  .badge.admin {
    border-color: var(--_primary);
    color: var(--_primary);
  }

  .state {
    display: grid;
    gap: 2px;
  }

  .state .expired {
    color: var(--_danger);
  }

  [part~='actions'] {
    flex-wrap: nowrap;
  }

  .icon-button {
    padding: calc(var(--_space) * 0.5);
  }

  .details {
    padding: 0;
    border: 0;
    background: none;
    color: inherit;
    font: inherit;
    text-align: start;
    text-decoration: underline dotted;
    cursor: pointer;
  }

  /* A nameless invitee's, drawn as a dash: still a target of 24 by 24 px. */
  .details:has([aria-hidden]) {
    min-width: 1.5rem;
    min-height: 1.5rem;
  }

  .tooltip {
    position: fixed;
    inset: auto;
    margin: 0;
    padding: calc(var(--_space) / 2) var(--_space);
    max-width: 16rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_text);
    color: var(--_bg);
    font-size: 0.85em;
    pointer-events: none;
  }

  .pagination {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: var(--_space);
  }

  /*
   * In a narrow element each user is a stack (name, email, role, state, actions) beside their
   * checkbox, so that every action is in reach without sideways scrolling; the header row keeps the
   * select-all box and the sort buttons. Where it starts is measured: the wide table's 44rem and
   * the frame's 2rem around it, so that no width between needs sideways scrolling.
   */
  @container (width < 46rem) {
    table,
    thead,
    tbody,
    td {
      display: block;
    }

    /* The stacked rows take the element's width: the wide table's minimum and column widths do not apply. */
    table {
      min-width: 0;
    }

    /* As specific as the sixth column's rule: its 17 % would leave "Letzte Anmeldung" a sliver to overflow. */
    th:nth-child(n):not(:last-child) {
      width: auto;
    }

    thead tr {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      column-gap: calc(var(--_space) * 2);
      border-bottom: 1px solid var(--_border);
    }

    thead th {
      padding-inline: 0;
      border: 0;
    }

    /* A heading wraps as a whole onto the next line, never inside ("Last sign-" / "in"). */
    thead button {
      white-space: nowrap;
    }

    .stacked-label {
      display: inline;
    }

    thead th:last-child {
      display: none;
    }

    tbody tr {
      display: grid;
      grid-template-columns: auto minmax(0, 1fr);
      column-gap: var(--_space);
      padding-block: var(--_space);
      border-bottom: 1px solid var(--_border);
    }

    tbody td {
      grid-column: 2;
      padding: 0 0 calc(var(--_space) / 2);
      border: 0;
      overflow-wrap: anywhere;
    }

    tbody td:first-child {
      grid-column: 1;
      grid-row: span 5;
    }

    tbody td[colspan] {
      grid-column: 1 / -1;
    }
  }
`;
