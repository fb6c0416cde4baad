import { adapterExampleTests } from '../../test-support/adapter-tests.ts';
import { startHonoExample } from '../server.ts';

adapterExampleTests('hono', startHonoExample);
