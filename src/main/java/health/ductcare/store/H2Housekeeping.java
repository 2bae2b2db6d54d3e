package health.ductcare.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.jboss.logging.Logger;

/**
 * Keeps an H2 file database from growing without bound. {@code WRITE_DELAY=0} makes every commit reach the file
 * before the answer (no acknowledged write is lost when the process dies), but it also stops H2's background
 * writer, which is what compacts the store: each commit appends a chunk, old chunks stay partly alive, and the
 * file grew by ~85 MB/s under the soak load (10 GB in two minutes) until the disk was full. This task does that
 * housekeeping instead: every few seconds it rewrites the live pages of sparsely filled chunks (the next commit
 * stores them), so old chunks die and their space is reused. PostgreSQL needs none of this: nothing runs there.
 */
@Singleton
public class H2Housekeeping {

    private static final Logger LOG = Logger.getLogger(H2Housekeeping.class);
    private final AgroalDataSource dataSource;
    private final long intervalMillis;
    /** Chunks filled below this percentage have their live pages rewritten. */
    private final int targetFillRate;
    /** At most this much is rewritten per run, so one run never holds the store for long. */
    private final int maxRewriteBytes;
    private ScheduledExecutorService scheduler;
    private volatile MVStore store;

    public H2Housekeeping(AgroalDataSource dataSource,
            @ConfigProperty(name = "ductcare.h2.housekeeping-interval-ms", defaultValue = "2000") long intervalMillis,
            @ConfigProperty(name = "ductcare.h2.housekeeping-fill-rate", defaultValue = "80") int targetFillRate,
            @ConfigProperty(name = "ductcare.h2.housekeeping-rewrite-mb", defaultValue = "16") int maxRewriteMegabytes) {
        this.dataSource = dataSource;
        this.intervalMillis = intervalMillis;
        this.targetFillRate = targetFillRate;
        this.maxRewriteBytes = maxRewriteMegabytes * 1024 * 1024;
    }

    void start(@Observes StartupEvent event) {
        store = intervalMillis <= 0 ? null : findStore();
        if (store == null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "h2-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::compact, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    void compact() {
        try {
            if (!store.isClosed()) {
                store.compact(targetFillRate, maxRewriteBytes);
            }
        } catch (RuntimeException e) {
            LOG.debugf("H2 housekeeping skipped a run: %s", e.getClass().getSimpleName());
        }
    }

    /** The MVStore of the H2 file database behind the datasource, or null for any other database. */
    private MVStore findStore() {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isWrapperFor(JdbcConnection.class)) {
                return null;
            }
            JdbcConnection h2 = connection.unwrap(JdbcConnection.class);
            if (!(h2.getSession() instanceof SessionLocal session) || session.getDatabase().getStore() == null
                    || !session.getDatabase().isPersistent()) {
                return null;
            }
            return session.getDatabase().getStore().getMvStore();
        } catch (SQLException e) {
            LOG.debugf("H2 housekeeping could not reach the database: %s", e.getClass().getSimpleName());
            return null;
        }
    }
}
