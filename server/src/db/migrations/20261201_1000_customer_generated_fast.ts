import { type Kysely, sql } from 'kysely';

// Writing a customer computes three GENERATED search columns. In a generated column PostgreSQL cannot inline a
// SQL-language function, so kefu_customer_search_text and kefu_customer_phone_digits ran through the SQL function
// executor for every row (~17 µs each, measured: 100 000 inserts into a bare copy of the table 4.1 s with them,
// 2.3 s as PL/pgSQL). kefu_customer_grams keeps its grams but no longer removes repeats with an O(n²) scan: GIN
// indexes each key of a row once anyway, `@>` ignores repeats, and a name or phone rarely repeats a gram
// (0.06 % more elements on the benchmark's data; the function itself twice as fast). Same results otherwise, so
// stored values need no rewrite.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function kefu_customer_search_text(name text, registered_name text, contact_names text[])
    returns text language plpgsql immutable parallel safe as $$
    begin
      return lower(array_to_string(array_remove(array[name, registered_name] || coalesce(contact_names, '{}'::text[]), null), chr(1)));
    end $$`.execute(db);
  await sql`
    create or replace function kefu_customer_phone_digits(phone text, phone_backup text, contact_phones text[])
    returns text language plpgsql immutable parallel safe as $$
    begin
      return array_to_string(array_remove(array[phone, phone_backup] || coalesce(contact_phones, '{}'::text[]), null), '|');
    end $$`.execute(db);
  await sql`
    create or replace function kefu_customer_grams(name text, registered_name text, contact_names text[],
                                                   phone text, phone_backup text, contact_phones text[])
    returns text[] language plpgsql immutable parallel safe as $$
    declare
      o text[] := '{}';
      n int := 0;
      w text;
      i int;
    begin
      foreach w in array array[name, registered_name] || coalesce(contact_names, '{}'::text[]) loop
        continue when w is null;
        w := lower(w);
        for i in 1 .. length(w) - 1 loop
          n := n + 1;
          o[n] := substr(w, i, 2);
        end loop;
      end loop;
      foreach w in array array[phone, phone_backup] || coalesce(contact_phones, '{}'::text[]) loop
        continue when w is null;
        for i in 1 .. length(w) - 3 loop
          n := n + 1;
          o[n] := substr(w, i, 4);
        end loop;
      end loop;
      return o;
    end $$`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Kefu migrations are not reversed; restore a backup instead.');
}
