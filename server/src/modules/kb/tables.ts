// The knowledge base's tables as Kysely sees them.
import type { Generated } from 'kysely';

export type ArticleKind = 'standard' | 'script' | 'faq';
export type ArticleStatus = 'draft' | 'published' | 'archived';

export interface KbCategoryTable {
  id: Generated<number>;
  parent_id: number | null;
  name: string;
  sort: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface KbArticleTable {
  id: Generated<number>;
  category_id: number | null;
  kind: ArticleKind;
  title: string;
  body: string;
  status: Generated<ArticleStatus>;
  tags: Generated<string[]>;
  search_grams: Generated<string[]>;
  created_by: number | null;
  updated_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface KbArticleVersionTable {
  article_id: number;
  version: number;
  title: string;
  body: string;
  kind: string;
  status: string;
  category_id: number | null;
  tags: Generated<string[]>;
  note: string | null;
  changed_by: number | null;
  changed_at: Generated<Date>;
}

export interface KbMacroTable {
  id: Generated<number>;
  name: string;
  body: string;
  ticket_type: string | null;
  active: Generated<boolean>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface KbTables {
  kb_categories: KbCategoryTable;
  kb_articles: KbArticleTable;
  kb_article_versions: KbArticleVersionTable;
  kb_macros: KbMacroTable;
}
