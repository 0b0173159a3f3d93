import { css } from 'lit';

/**
 * The table's own rules. It draws without a shadow root of its own, so these are adopted by the
 * shadow root it is drawn in: `<panta-user-management>` includes them in its styles.
 */
export default css`
  panta-user-table {
    display: contents;
  }

  th button {
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
`;
