package health.ductcare.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;

/** Rows of the resource tables; knows nothing of FHIR semantics beyond type, id and version. */
@ApplicationScoped
public class ResourceStore {

    private final EntityManager entityManager;

    public ResourceStore(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    public Optional<ResourceEntity> findCurrent(String type, String id) {
        return entityManager.createQuery(
                        "from ResourceEntity r where r.type = :type and r.resourceId = :id", ResourceEntity.class)
                .setParameter("type", type).setParameter("id", id)
                .getResultStream().findFirst();
    }

    /**
     * The current row, locked until the transaction ends, so concurrent writers of one resource queue up.
     * The row is re-read under the lock: an instance this transaction loaded earlier may be stale by then.
     */
    public Optional<ResourceEntity> findCurrentForUpdate(String type, String id) {
        Optional<ResourceEntity> row = findCurrent(type, id);
        row.ifPresent(entity -> entityManager.refresh(entity, LockModeType.PESSIMISTIC_WRITE));
        return row;
    }

    public Optional<ResourceVersionEntity> findVersion(String type, String id, int version) {
        return entityManager.createQuery("from ResourceVersionEntity v where v.type = :type and v.resourceId = :id"
                        + " and v.version = :version", ResourceVersionEntity.class)
                .setParameter("type", type).setParameter("id", id).setParameter("version", version)
                .getResultStream().findFirst();
    }

    public void persist(ResourceEntity current, ResourceVersionEntity version) {
        if (current.pid == null) {
            entityManager.persist(current);
        }
        version.resourcePid = current.pid;
        entityManager.persist(version);
        entityManager.flush();
    }

    /**
     * History newest first. {@code type} and {@code id} may be null for type-level and system-level history.
     * {@code sinceMillis} and {@code atMostMillis} bound {@code last_updated}; {@code beforePid} pages by key.
     */
    public List<ResourceVersionEntity> history(String type, String id, Long sinceMillis, Long atMostMillis,
            Long beforePid, int limit) {
        StringBuilder jpql = new StringBuilder("from ResourceVersionEntity v where 1 = 1");
        if (type != null) {
            jpql.append(" and v.type = :type");
        }
        if (id != null) {
            jpql.append(" and v.resourceId = :id");
        }
        if (sinceMillis != null) {
            jpql.append(" and v.lastUpdated >= :since");
        }
        if (atMostMillis != null) {
            jpql.append(" and v.lastUpdated <= :atMost");
        }
        if (beforePid != null) {
            jpql.append(" and v.pid < :beforePid");
        }
        jpql.append(" order by v.pid desc");
        var query = entityManager.createQuery(jpql.toString(), ResourceVersionEntity.class);
        if (type != null) {
            query.setParameter("type", type);
        }
        if (id != null) {
            query.setParameter("id", id);
        }
        if (sinceMillis != null) {
            query.setParameter("since", sinceMillis);
        }
        if (atMostMillis != null) {
            query.setParameter("atMost", atMostMillis);
        }
        if (beforePid != null) {
            query.setParameter("beforePid", beforePid);
        }
        return query.setMaxResults(limit).getResultList();
    }

    public long countHistory(String type, String id, Long sinceMillis, Long atMostMillis) {
        StringBuilder jpql = new StringBuilder("select count(v) from ResourceVersionEntity v where 1 = 1");
        if (type != null) {
            jpql.append(" and v.type = :type");
        }
        if (id != null) {
            jpql.append(" and v.resourceId = :id");
        }
        if (sinceMillis != null) {
            jpql.append(" and v.lastUpdated >= :since");
        }
        if (atMostMillis != null) {
            jpql.append(" and v.lastUpdated <= :atMost");
        }
        var query = entityManager.createQuery(jpql.toString(), Long.class);
        if (type != null) {
            query.setParameter("type", type);
        }
        if (id != null) {
            query.setParameter("id", id);
        }
        if (sinceMillis != null) {
            query.setParameter("since", sinceMillis);
        }
        if (atMostMillis != null) {
            query.setParameter("atMost", atMostMillis);
        }
        return query.getSingleResult();
    }
}
