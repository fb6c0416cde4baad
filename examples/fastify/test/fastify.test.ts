import { adapterExampleTests } from '../../test-support/adapter-tests.ts';
import { startFastifyExample } from '../server.ts';

adapterExampleTests('fastify', startFastifyExample);
