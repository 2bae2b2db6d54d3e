package health.ductcare.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.jboss.logging.Logger;

/**
 * Brings the search index of resources stored by an older version of the index extraction up to date, in the
 * background after start-up, and records the version reached in {@code search_index_state}. Version 2 added the
 * identifiers of logical references ({@code subject:identifier}). Until the upgrade ends, a search on what it adds
 * may miss resources stored before; every other search is unaffected. Each resource is re-read under its row lock,
 * so a concurrent update of it is indexed either before or after, never overwritten with older content.
 */
@ApplicationScoped
public class SearchIndexUpgrade {

    /** The version of the index rows this code writes. */
    public static final int CURRENT_VERSION = 2;

    private static final Logger LOG = Logger.getLogger(SearchIndexUpgrade.class);
    private static final int BATCH = 200;

    private final EntityManager entityManager;
    private final SearchIndexer indexer;
    private final FhirContext context;
    private final boolean enabled;

    public SearchIndexUpgrade(EntityManager entityManager, SearchIndexer indexer, FhirContext context,
            @ConfigProperty(name = "ductcare.search.index-upgrade.enabled", defaultValue = "true") boolean enabled) {
        this.entityManager = entityManager;
        this.indexer = indexer;
        this.context = context;
        this.enabled = enabled;
    }

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        Thread thread = new Thread(this::runLogged, "search-index-upgrade");
        thread.setDaemon(true);
        thread.start();
    }

    private void runLogged() {
        try {
            int from = storedVersion();
            if (from >= CURRENT_VERSION) {
                return;
            }
            long started = System.nanoTime();
            int upgraded = upgrade();
            LOG.infof("Search index upgraded from version %d to %d: %d resources re-indexed in %d ms", from,
                    CURRENT_VERSION, upgraded, (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            // Nothing is lost: the next start resumes from the recorded version.
            LOG.warnf("Search index upgrade stopped: %s", e.getClass().getSimpleName());
        }
    }

    /** The version the stored index rows were written by. */
    public int storedVersion() {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("SELECT version FROM search_index_state WHERE id = 1")
                .getSingleResult()).intValue());
    }

    /**
     * Re-indexes what the stored version lacks, in batches of their own transactions, and records the current
     * version. Returns how many resources were re-indexed; 0 when the index is current.
     */
    public int upgrade() {
        if (storedVersion() >= CURRENT_VERSION) {
            return 0;
        }
        int upgraded = 0;
        long after = 0;
        while (true) {
            long from = after;
            List<Long> pids = QuarkusTransaction.requiringNew().call(() -> candidatesAfter(from));
            if (pids.isEmpty()) {
                break;
            }
            upgraded += QuarkusTransaction.requiringNew().call(() -> reindex(pids));
            after = pids.get(pids.size() - 1);
        }
        QuarkusTransaction.requiringNew().run(() -> entityManager
                .createNativeQuery("UPDATE search_index_state SET version = ?1 WHERE id = 1 AND version < ?1")
                .setParameter(1, CURRENT_VERSION)
                .executeUpdate());
        return upgraded;
    }

    /** Current resources that may hold a logical reference: only a resource whose JSON names an identifier can. */
    @SuppressWarnings("unchecked")
    private List<Long> candidatesAfter(long pid) {
        List<Number> rows = entityManager.createNativeQuery("SELECT pid FROM resource WHERE pid > ?1"
                        + " AND deleted = FALSE AND json LIKE '%\"identifier\"%' ORDER BY pid")
                .setParameter(1, pid)
                .setMaxResults(BATCH)
                .getResultList();
        return rows.stream().map(Number::longValue).toList();
    }

    private int reindex(List<Long> pids) {
        int count = 0;
        for (long pid : pids) {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = entityManager.createNativeQuery(
                            "SELECT res_type, json FROM resource WHERE pid = ?1 AND deleted = FALSE FOR UPDATE")
                    .setParameter(1, pid)
                    .getResultList();
            if (rows.isEmpty()) {
                continue; // deleted since the batch was chosen
            }
            String type = (String) rows.get(0)[0];
            IBaseResource resource;
            try {
                resource = context.newJsonParser().parseResource((String) rows.get(0)[1]);
            } catch (DataFormatException e) {
                // Not expected of what the service stored; one such row must not hold up the others.
                LOG.warnf("Search index upgrade skipped %s row %d: its stored JSON does not parse", type, pid);
                continue;
            }
            indexer.indexLogicalReferences(pid, type, resource);
            count++;
        }
        return count;
    }
}
