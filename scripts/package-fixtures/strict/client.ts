import { createPantaClient, pantaErrorData } from 'panta-user-management/client';

const api = createPantaClient({ url: 'https://portal.example/api/users', token: () => process.env.PANTA_TOKEN });
const { kpis } = await api.users.summary.query();
try {
  await api.users.invite.mutate({ email: 'new.colleague@example.com' });
} catch (error) {
  console.error(pantaErrorData(error)?.reason); // e.g. EMAIL_TAKEN_PENDING
}
