package health.ductcare.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Migration V41: H2 caches 1,024 identity values at a time, PostgreSQL keeps one per fetch (ordered history). */
@QuarkusTest
class IdentityCacheTest {

    private static final List<String> TABLES = List.of("resource", "resource_version");

    @Inject
    DataSource dataSource;

    @Test
    void identityCacheSuitsTheDatabase() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean h2 = "H2".equals(connection.getMetaData().getDatabaseProductName());
            for (String table : TABLES) {
                assertThat(h2 ? h2IdentityCache(connection, table) : postgresIdentityCache(connection, table))
                        .as("identity cache of %s.pid", table)
                        .isEqualTo(h2 ? 1024L : 1L);
            }
        }
    }

    private static long h2IdentityCache(Connection connection, String table) throws SQLException {
        return single(connection, "SELECT IDENTITY_CACHE FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME = UPPER(?) AND COLUMN_NAME = 'PID'", table);
    }

    private static long postgresIdentityCache(Connection connection, String table) throws SQLException {
        return single(connection, "SELECT cache_size FROM pg_sequences"
                + " WHERE schemaname || '.' || sequencename = pg_get_serial_sequence(?, 'pid')", table);
    }

    private static long single(Connection connection, String sql, String table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).as("a row for %s.pid", table).isTrue();
                return rows.getLong(1);
            }
        }
    }
}
