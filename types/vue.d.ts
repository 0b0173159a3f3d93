// `panta-user-management/vue`: the elements as Vue 3 global components, with the props and event
// handlers of jsx.d.ts (generated from custom-elements.json) under the names vue-tsc looks handlers
// up by: `@panta-user-invited` is the prop `onPantaUserInvited`. custom-element-vuejs-integration
// keeps JSX's `onpanta-user-invited`, under which vue-tsc finds no handler and leaves `event` untyped.
import type { DefineComponent } from 'vue';
import type { PantaAcceptInvitationProps, PantaUserManagementProps } from './jsx.js';

type CamelCase<Name extends string> = Name extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : Name;
type VueProps<Props> = {
  [Key in keyof Props as Key extends `on${infer Event}` ? `on${Capitalize<CamelCase<Event>>}` : Key]: Props[Key];
};

declare module 'vue' {
  interface GlobalComponents {
    'panta-user-management': DefineComponent<VueProps<PantaUserManagementProps>>;
    'panta-accept-invitation': DefineComponent<VueProps<PantaAcceptInvitationProps>>;
  }
}
