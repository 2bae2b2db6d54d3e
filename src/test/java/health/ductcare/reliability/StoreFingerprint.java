package health.ductcare.reliability;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;

/**
 * What the store holds, summed up so that any write shows: rows of current resources, rows of versions, the sum
 * of current version numbers and the newest version row. Equal fingerprints before and after a run of rejected
 * requests mean nothing was written, not even half. AuditEvents are left out: every request, a refused one
 * too, is recorded as one, asynchronously.
 */
record StoreFingerprint(long resources, long versions, long versionSum, long newestVersionPid) {

    static StoreFingerprint take(EntityManager entityManager) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Object[] current = (Object[]) entityManager.createNativeQuery(
                    "select count(*), coalesce(sum(version), 0) from resource where res_type <> 'AuditEvent'")
                    .getSingleResult();
            Object[] history = (Object[]) entityManager.createNativeQuery(
                    "select count(*), coalesce(max(pid), 0) from resource_version where res_type <> 'AuditEvent'")
                    .getSingleResult();
            return new StoreFingerprint(number(current[0]), number(history[0]), number(current[1]),
                    number(history[1]));
        });
    }

    /** The fingerprint after {@code created} new resources, each at version 1, and nothing else. */
    StoreFingerprint plusCreated(long created) {
        return new StoreFingerprint(resources + created, versions + created, versionSum + created, newestVersionPid);
    }

    boolean sameCountsAs(StoreFingerprint other) {
        return resources == other.resources && versions == other.versions && versionSum == other.versionSum;
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }
}
