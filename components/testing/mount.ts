/** Mounting the element against the real server, as every browser test does. */
import { fixture, html } from '@open-wc/testing';
import type { PantaUserManagement } from '../user-management/user-management.ts';
import { loaded, part, parts, root, tab, text, until } from './element.ts';
import { recordEvents } from './events.ts';

export const ALL_EVENTS = [
  'panta-ready',
  'panta-user-invited',
  'panta-user-updated',
  'panta-user-deleted',
  'panta-user-restored',
  'panta-user-purged',
  'panta-invitation-resent',
  'panta-users-imported',
  'panta-unauthorized',
  'panta-error',
  'panta-request-delete',
  'panta-request-purge',
] as const;

/** `live: false`: without the live feed, for tests of what happens when it is not there. */
export interface MountOptions {
  lang?: string;
  pageSize?: number;
  live?: boolean;
}

export async function mount(apiUrl: string, token: string | undefined, options: MountOptions = {}) {
  const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
  const events = recordEvents(wrapper, [...ALL_EVENTS]);
  const element = document.createElement('panta-user-management');
  element.setAttribute('api-url', apiUrl);
  if (options.lang) element.setAttribute('lang', options.lang);
  if (options.pageSize) element.setAttribute('page-size', String(options.pageSize));
  if (options.live === false) element.setAttribute('live', 'false');
  element.token = token;
  wrapper.append(element);
  return { element, events };
}

export async function mountLoaded(apiUrl: string, token: string, options: MountOptions = {}) {
  const mounted = await mount(apiUrl, token, options);
  await loaded(mounted.element);
  return mounted;
}

export async function openTab(element: PantaUserManagement, name: 'active' | 'pending' | 'deleted') {
  tab(element, name).click();
  await until(() => tab(element, name).getAttribute('aria-selected') === 'true' && !part(root(element), 'table')!.matches('[aria-busy="true"]'));
}

export const toastTexts = (element: PantaUserManagement) => parts(root(element), 'toast').map((toast) => text(toast));
