/** The reader's Zod schemas (validation.md). */
import { z } from 'zod';

export const Company = z.object({ id: z.number().int(), company_rating: z.string().nullable() });
