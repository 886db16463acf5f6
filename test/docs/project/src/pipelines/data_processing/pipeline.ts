import { Pipeline } from 'sluice';

export default new Pipeline([]);
