import { adapterExampleTests } from '../../test-support/adapter-tests.ts';
import { startExpressExample } from '../server.ts';

adapterExampleTests('express', startExpressExample);
