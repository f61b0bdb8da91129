// Suitability tables as Kysely sees them (migration 20261122_4000_outreach). Assessments and offers are
// append-only (DB triggers refuse UPDATE and DELETE). A merge carries a merged customer's records over as new rows
// on the survivor (carried_from_id = the original record, merge_id = customer_merges.id; migration 20261204_2135).
import type { ColumnType, Generated } from 'kysely';

type Id = Generated<number>;
type Ts = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | undefined, string>;

export type Level = 'C1' | 'C2' | 'C3' | 'C4' | 'C5';
export type RiskLevel = 'R1' | 'R2' | 'R3' | 'R4' | 'R5';
export type QOption = { key: string; text: string; score: number };
export type QQuestion = { key: string; text: string; options: QOption[] };
export type Band = { level: Level; min: number; max: number };

export interface QuestionnaireTable {
  id: Id;
  name: string;
  questions: Json<QQuestion[]>;
  bands: Json<Band[]>;
  valid_months: Generated<number>;
  active: Generated<boolean>;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface AssessmentTable {
  id: Id;
  customer_id: number;
  branch_id: number;
  questionnaire_id: number;
  answers: Json<Record<string, string>>;
  score: number;
  level: Level;
  lowest_category: Generated<boolean>;
  professional: Generated<boolean>;
  evidence: Json<number[]>;
  valid_until: ColumnType<Date, Date | string, Date | string>;
  assessed_by: number | null;
  created_at: Generated<Date>;
  carried_from_id: number | null;
  merge_id: number | null;
}

export interface CategoryRequestTable {
  id: Id;
  customer_id: number;
  branch_id: number;
  to_professional: boolean;
  evidence: Json<number[]>;
  reason: string | null;
  status: Generated<'pending' | 'approved' | 'rejected'>;
  requested_by: number | null;
  decided_by: number | null;
  decided_at: Ts;
  assessment_id: number | null;
  created_at: Generated<Date>;
}

export interface ProductTable {
  id: Id;
  code: string;
  name: string;
  kind: Generated<'product' | 'service'>;
  risk_level: RiskLevel;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface OfferTable {
  id: Id;
  customer_id: number;
  branch_id: number;
  product_id: number;
  assessment_id: number | null;
  customer_level: string | null;
  professional: Generated<boolean>;
  lowest_category: Generated<boolean>;
  product_level: string;
  matched: boolean;
  warning_acknowledged: Generated<boolean>;
  choice: 'proceed' | 'decline';
  note: string | null;
  offered_by: number | null;
  created_at: Generated<Date>;
  carried_from_id: number | null;
  merge_id: number | null;
}

export interface SuitabilityTables {
  suitability_questionnaires: QuestionnaireTable;
  suitability_assessments: AssessmentTable;
  suitability_category_requests: CategoryRequestTable;
  products: ProductTable;
  suitability_offers: OfferTable;
}
