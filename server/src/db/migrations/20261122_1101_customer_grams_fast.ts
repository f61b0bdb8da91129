import { type Kysely, sql } from 'kysely';

// The customers' generated search_grams column, computed ~3-4× faster: the same set of grams (2-character grams of
// the lower-cased names, 4-digit grams of the phones, each once) built by a PL/pgSQL loop instead of a SQL function
// with unnest/generate_series/array_agg, which PostgreSQL cannot inline in a generated column and which cost
// ~140 µs a row — the largest part of writing a customer in bulk (import, demo data). The array is no longer
// sorted; nothing depends on its order (searches use @>).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function kefu_customer_grams(name text, registered_name text, contact_names text[],
                                                   phone text, phone_backup text, contact_phones text[])
    returns text[] language plpgsql immutable parallel safe as $$
    declare
      o text[] := '{}';
      w text;
      g text;
      i int;
    begin
      foreach w in array array[name, registered_name] || coalesce(contact_names, '{}'::text[]) loop
        continue when w is null;
        w := lower(w);
        for i in 1 .. length(w) - 1 loop
          g := substr(w, i, 2);
          if not (g = any(o)) then o := o || g; end if;
        end loop;
      end loop;
      foreach w in array array[phone, phone_backup] || coalesce(contact_phones, '{}'::text[]) loop
        continue when w is null;
        for i in 1 .. length(w) - 3 loop
          g := substr(w, i, 4);
          if not (g = any(o)) then o := o || g; end if;
        end loop;
      end loop;
      return o;
    end $$`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Kefu migrations are not reversed; restore a backup instead.');
}
