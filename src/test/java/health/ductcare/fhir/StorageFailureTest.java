package health.ductcare.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import org.h2.api.ErrorCode;
import org.h2.message.DbException;
import org.h2.mvstore.DataUtils;
import org.junit.jupiter.api.Test;

/** Which failures mean "the database is unavailable" (503, retry) rather than a fault of the server (500). */
class StorageFailureTest {

    @Test
    void databaseOutagesAreRecognisedThroughTheWrappers() {
        assertThat(FhirExceptionMappers.isStorageUnavailable(wrapped(new SQLException("could not extend file", "53100"))))
                .as("PostgreSQL disk full").isTrue();
        assertThat(FhirExceptionMappers.isStorageUnavailable(wrapped(new SQLException("terminating connection", "57P01"))))
                .as("PostgreSQL admin shutdown").isTrue();
        assertThat(FhirExceptionMappers.isStorageUnavailable(wrapped(new SQLNonTransientConnectionException("refused"))))
                .as("connection refused").isTrue();
        assertThat(FhirExceptionMappers.isStorageUnavailable(wrapped(new SQLException("I/O error", "08006"))))
                .as("connection lost").isTrue();
        assertThat(FhirExceptionMappers.isStorageUnavailable(
                wrapped(DbException.get(ErrorCode.DATABASE_IS_CLOSED).getSQLException()))).as("H2 closed").isTrue();
        assertThat(FhirExceptionMappers.isStorageUnavailable(
                wrapped(DbException.get(ErrorCode.IO_EXCEPTION_1, "No space left on device").getSQLException())))
                .as("H2 I/O error").isTrue();
        assertThat(FhirExceptionMappers.isStorageUnavailable(wrapped(DataUtils.newMVStoreException(
                DataUtils.ERROR_WRITING_FAILED, "Writing to {0} failed", "ductcare.mv.db")))).as("H2 store write").isTrue();
        assertThat(FhirExceptionMappers.isStorageUnavailable(
                new UncheckedIOException(new IOException("No space left on device")))).as("full disk").isTrue();
    }

    @Test
    void requestAndConcurrencyFailuresAreNot() {
        assertThat(FhirExceptionMappers.isStorageUnavailable(wrapped(new SQLException("duplicate key", "23505"))))
                .as("unique violation").isFalse();
        assertThat(FhirExceptionMappers.isStorageUnavailable(wrapped(new SQLException("deadlock detected", "40P01"))))
                .as("deadlock").isFalse();
        assertThat(FhirExceptionMappers.isStorageUnavailable(wrapped(new SQLException("no state"))))
                .as("no SQL state").isFalse();
        assertThat(FhirExceptionMappers.isStorageUnavailable(wrapped(DataUtils.newMVStoreException(
                DataUtils.ERROR_TRANSACTION_LOCKED, "Map {0} is locked", "resource")))).as("H2 row lock").isFalse();
        assertThat(FhirExceptionMappers.isStorageUnavailable(
                wrapped(DbException.get(ErrorCode.DUPLICATE_KEY_1, "PK").getSQLException()))).as("H2 duplicate").isFalse();
        assertThat(FhirExceptionMappers.isStorageUnavailable(new UncheckedIOException(new IOException("Broken pipe"))))
                .as("client went away").isFalse();
        assertThat(FhirExceptionMappers.isStorageUnavailable(new IllegalStateException("bug"))).isFalse();
    }

    /** As the failure reaches the mapper: through Hibernate's and the transaction manager's wrappers. */
    private static RuntimeException wrapped(Exception cause) {
        return new IllegalStateException("transaction failed", new RuntimeException("could not execute statement", cause));
    }
}
