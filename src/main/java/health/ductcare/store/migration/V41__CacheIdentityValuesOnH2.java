package health.ductcare.store.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * H2 writes an identity column's next value to its catalogue, in a commit of its own, each time a block of
 * cached values is used up: every 32 values by default, which on a file database with {@code WRITE_DELAY=0}
 * serialises every dirty page of the store (bench/RESULTS.md, item 26). A block of 1,024 makes that rare. H2 hands
 * out one database-wide block in order, and after a crash it continues above the last written block, so ids stay
 * increasing and are never reused. PostgreSQL keeps its cache per connection, which would hand out ids out of
 * order across connections and so break history's order by version key: there the sequences keep their default.
 */
public class V41__CacheIdentityValuesOnH2 extends BaseJavaMigration {

    static final int IDENTITY_CACHE = 1024;

    @Override
    public void migrate(Context context) throws Exception {
        if (!"H2".equals(context.getConnection().getMetaData().getDatabaseProductName())) {
            return;
        }
        try (Statement statement = context.getConnection().createStatement()) {
            statement.execute("ALTER TABLE resource ALTER COLUMN pid SET CACHE " + IDENTITY_CACHE);
            statement.execute("ALTER TABLE resource_version ALTER COLUMN pid SET CACHE " + IDENTITY_CACHE);
        }
    }
}
