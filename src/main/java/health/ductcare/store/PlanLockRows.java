package health.ductcare.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/** Creates lock rows in a transaction of their own, so a lost insert race cannot spoil the caller's. */
@ApplicationScoped
public class PlanLockRows {

    private final EntityManager entityManager;

    public PlanLockRows(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void create(String key) {
        entityManager.createNativeQuery("INSERT INTO plan_lock (lock_key) VALUES (?1)")
                .setParameter(1, key)
                .executeUpdate();
    }
}
