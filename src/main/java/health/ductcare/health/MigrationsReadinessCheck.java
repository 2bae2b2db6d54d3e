package health.ductcare.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/**
 * Ready only when every Flyway migration this build carries is applied and none failed. Once up it stays up:
 * the schema only moves forward, and re-reading the history table on every probe would be wasted load.
 */
@Readiness
@ApplicationScoped
public class MigrationsReadinessCheck implements HealthCheck {

    private final Flyway flyway;
    private volatile String appliedVersion;

    public MigrationsReadinessCheck(Flyway flyway) {
        this.flyway = flyway;
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("database-migrations");
        if (appliedVersion != null) {
            return builder.up().withData("version", appliedVersion).withData("pending", 0).build();
        }
        try {
            var info = flyway.info();
            MigrationInfo[] pending = info.pending();
            boolean failed = Arrays.stream(info.all()).anyMatch(m -> m.getState() == MigrationState.FAILED);
            MigrationInfo current = info.current();
            String version = current == null || current.getVersion() == null ? "none" : current.getVersion().toString();
            builder.withData("version", version).withData("pending", pending.length);
            if (pending.length == 0 && !failed && current != null) {
                appliedVersion = version;
                return builder.up().build();
            }
            return builder.down().withData("failed", failed).build();
        } catch (RuntimeException e) {
            return builder.down().withData("error", e.getClass().getSimpleName()).build();
        }
    }
}
