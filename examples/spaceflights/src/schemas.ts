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

/*
 * What the pipelines write and read back. The node functions' own types (nodes.ts) must agree
 * with these: `sluice typegen` types each dataset from its schema, so a node returning rows these
 * schemas don't describe, or a node expecting columns they lack, fails to compile.
 */

/** preprocessed_companies: the rating as a share (0.38), the IATA flag as a boolean. */
export const PreprocessedCompany = z.object({
  id: z.number().int(),
  company_rating: score,
  company_location: z.string().nullable(),
  total_fleet_count: z.number().min(0).nullable(),
  iata_approved: z.boolean().nullable(),
});

const text = z.string().nullable();

/** preprocessed_shuttles: the two checks as booleans, the price in dollars. */
export const PreprocessedShuttle = z.object({
  id: z.number().int(),
  shuttle_location: text,
  shuttle_type: text,
  engine_type: text,
  engine_vendor: text,
  engines: z.number().min(0).nullable(),
  passenger_capacity: z.number().int().min(0).nullable(),
  cancellation_policy: text,
  crew: z.number().min(0).nullable(),
  d_check_complete: z.boolean().nullable(),
  moon_clearance_complete: z.boolean().nullable(),
  price: z.number().nullable(),
  company_id: z.number().int().nullable(),
});

/** model_input_table: a reviewed shuttle with its company, no value missing. */
export const ModelInputRow = z.object({
  shuttle_id: z.number().int(),
  shuttle_location: z.string(),
  shuttle_type: z.string(),
  engine_type: z.string(),
  engine_vendor: z.string(),
  engines: z.number().min(0),
  passenger_capacity: z.number().int().min(0),
  cancellation_policy: z.string(),
  crew: z.number().min(0),
  d_check_complete: z.boolean(),
  moon_clearance_complete: z.boolean(),
  price: z.number(),
  company_id: z.number().int(),
  review_scores_rating: z.number().min(0),
  review_scores_comfort: z.number().min(0),
  review_scores_amenities: z.number().min(0),
  review_scores_trip: z.number().min(0),
  review_scores_crew: z.number().min(0),
  review_scores_location: z.number().min(0),
  review_scores_price: z.number().min(0),
  number_of_reviews: z.number().int().min(0),
  reviews_per_month: z.number().min(0),
  company_rating: z.number().min(0),
  company_location: z.string(),
  total_fleet_count: z.number().min(0),
  iata_approved: z.boolean(),
});

/** regressor: the fitted linear model, as JSON. */
export const LinearModel = z.object({
  target: z.string(),
  features: z.array(z.string()),
  intercept: z.number(),
  coefficients: z.record(z.string(), z.number()),
  constantFeatures: z.array(z.string()),
  trainingRows: z.number().int().min(0),
});
