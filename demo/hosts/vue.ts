// A Vue 3 host with render functions (no template compiler). Vue sets `token` as a property because
// the element has one; `onPanta-user-invited` listens to `panta-user-invited`. In a template:
// <panta-user-management :api-url="apiUrl" :token="token" @panta-user-invited="…">.
import { createApp, defineComponent, h, ref } from 'vue';
import '../../components/index.ts';
import type { PantaEvent } from '../../components/index.ts';
import { hostMessages, hostSession } from './host.ts';

const App = defineComponent({
  props: { apiUrl: { type: String, required: true }, token: { type: String, required: true } },
  setup(props) {
    const banner = ref<string | null>(null);
    return () =>
      h('main', { class: 'demo-host' }, [
        banner.value === null ? null : h('p', { id: 'host-banner', class: 'demo-banner', role: 'status' }, banner.value),
        h('panta-user-management', {
          'api-url': props.apiUrl,
          token: props.token,
          'onPanta-user-invited': (event: PantaEvent<'panta-user-invited'>) => (banner.value = hostMessages.invited(event.detail)),
          'onPanta-error': (event: PantaEvent<'panta-error'>) => (banner.value = hostMessages.failed(event.detail)),
        }),
      ]);
  },
});

createApp(App, { ...(await hostSession()) }).mount('#app');
