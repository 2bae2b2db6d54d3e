package health.ductcare.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;

/** Per-patient locks that serialize care-plan recomputation across threads and replicas. */
@ApplicationScoped
public class PlanLocks {

    private final EntityManager entityManager;
    private final PlanLockRows rows;

    public PlanLocks(EntityManager entityManager, PlanLockRows rows) {
        this.entityManager = entityManager;
        this.rows = rows;
    }

    /** Locks the key until the current transaction ends, creating its row the first time. */
    public void lock(String key) {
        if (!tryLock(key)) {
            try {
                rows.create(key);
            } catch (PersistenceException | jakarta.transaction.TransactionalException e) {
                // Another transaction created it first: the row exists either way.
            }
            if (!tryLock(key)) {
                throw new IllegalStateException("Plan lock row could not be created");
            }
        }
    }

    private boolean tryLock(String key) {
        return !entityManager.createNativeQuery("SELECT lock_key FROM plan_lock WHERE lock_key = ?1 FOR UPDATE")
                .setParameter(1, key)
                .getResultList().isEmpty();
    }
}
