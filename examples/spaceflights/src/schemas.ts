/**
 * What the raw spaceflights data must look like, row by row, as the catalog loads it (checked by
 * Sluice's validation plugin: `schema: ./src/schemas.ts#Company` in conf/base/catalog.yml). The raw
 * files keep text such as "100%" and "$1,325.0"; preprocessing turns it into numbers.
 */
import { z } from 'zod';

const score = z.number().min(0).nullable();

export const Company = z.object({
  id: z.number().int(),
  company_rating: z
    .string()
    .regex(/^\d+(\.\d+)?%$/)
    .nullable(),
  company_location: z.string().nullable(),
  total_fleet_count: z.number().min(0).nullable(),
  iata_approved: z.enum(['t', 'f']).nullable(),
});

export const Shuttle = z.object({
  id: z.number().int(),
  shuttle_location: z.string(),
  shuttle_type: z.string(),
  engine_type: z.string(),
  engine_vendor: z.string(),
  engines: z.number().min(0).nullable(),
  passenger_capacity: z.number().int().min(0),
  cancellation_policy: z.string(),
  crew: z.number().min(0).nullable(),
  d_check_complete: z.enum(['t', 'f']),
  moon_clearance_complete: z.enum(['t', 'f']),
  price: z.string().regex(/^\$[\d,]+(\.\d+)?$/),
  company_id: z.number().int(),
});

export const Review = z.object({
  shuttle_id: z.number().int(),
  review_scores_rating: score,
  review_scores_comfort: score,
  review_scores_amenities: score,
  review_scores_trip: score,
  review_scores_crew: score,
  review_scores_location: score,
  review_scores_price: score,
  number_of_reviews: z.number().int().min(0),
  reviews_per_month: score,
});
