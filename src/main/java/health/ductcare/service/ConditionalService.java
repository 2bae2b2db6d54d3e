package health.ductcare.service;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import health.ductcare.store.StoredResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.hibernate.Session;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Conditional create, update and delete (http.html#ccreate): decide by a search, then act.
 * 0 matches acts as the plain interaction, 1 match uses it, 2 or more is 412.
 * <p>
 * A search alone cannot stop two concurrent requests from both seeing 0 matches, so the one that creates also
 * inserts a row keyed by (type, criteria) in {@code conditional_claim} in its transaction: the database lets
 * one of them commit, the others fail on the key (or its lock) and retry in a new transaction, where the
 * search now finds the winner.
 */
@ApplicationScoped
public class ConditionalService {

    private static final int MAX_ATTEMPTS = 20;
    private static final Set<String> RACE_SQL_STATES = Set.of("23505", "40001", "40P01", "55P03", "HYT00");

    private final CallerCriteria search;
    private final ResourceService resources;
    private final EntityManager entityManager;

    public ConditionalService(CallerCriteria search, ResourceService resources, EntityManager entityManager) {
        this.search = search;
        this.resources = resources;
        this.entityManager = entityManager;
    }

    /**
     * If-None-Exist: creates unless a resource matches, which is then returned unchanged (200). Inside a
     * caller's transaction (a transaction Bundle) it makes one attempt, and a lost race fails that transaction.
     */
    public WriteResult create(String type, IBaseResource resource, Map<String, List<String>> criteria) {
        return retryingOnRace(() -> createOnce(type, resource, criteria));
    }

    /** PUT [type]?criteria: updates the one match, creates when none matches; 412 for several. */
    public WriteResult update(String type, IBaseResource resource, Map<String, List<String>> criteria,
            Integer expectedVersion) {
        return retryingOnRace(() -> updateOnce(type, resource, criteria, expectedVersion));
    }

    /** DELETE [type]?criteria: deletes the one match; none is 404, several is 412. */
    @Transactional
    public WriteResult delete(String type, Map<String, List<String>> criteria, Integer expectedVersion) {
        List<StoredResource> matches = search.match(type, criteria, 2);
        if (matches.size() > 1) {
            throw new PreconditionFailedException("Conditional delete criteria match more than one " + type);
        }
        if (matches.isEmpty()) {
            throw new ResourceNotFoundException("No " + type + " matches the conditional delete criteria");
        }
        return resources.delete(type, matches.get(0).id(), expectedVersion);
    }

    private WriteResult createOnce(String type, IBaseResource resource, Map<String, List<String>> criteria) {
        StoredResource existing = singleMatch(type, criteria, "If-None-Exist");
        if (existing != null) {
            return new WriteResult(existing, null, false, false);
        }
        String claim = claimKey(type, criteria);
        existing = claim(type, claim, criteria, "If-None-Exist");
        if (existing != null) {
            return new WriteResult(existing, null, false, false);
        }
        WriteResult created = resources.create(type, resource);
        recordClaim(type, claim, created.stored().pid());
        return created;
    }

    private WriteResult updateOnce(String type, IBaseResource resource, Map<String, List<String>> criteria,
            Integer expectedVersion) {
        String bodyId = resource.getIdElement().getIdPart();
        StoredResource existing = singleMatch(type, criteria, "Conditional update");
        if (existing == null) {
            String claim = claimKey(type, criteria);
            existing = claim(type, claim, criteria, "Conditional update");
            if (existing == null) {
                WriteResult created = bodyId == null ? resources.create(type, resource)
                        : resources.update(type, bodyId, resource, expectedVersion);
                recordClaim(type, claim, created.stored().pid());
                return created;
            }
        }
        if (bodyId != null && !bodyId.equals(existing.id())) {
            throw new InvalidRequestException("The resource id " + bodyId + " differs from the id " + existing.id()
                    + " of the resource the conditional update criteria match");
        }
        return resources.update(type, existing.id(), resource, expectedVersion);
    }

    private StoredResource singleMatch(String type, Map<String, List<String>> criteria, String what) {
        List<StoredResource> matches = search.match(type, criteria, 2);
        if (matches.size() > 1) {
            throw new PreconditionFailedException(what + " criteria match more than one " + type);
        }
        return matches.isEmpty() ? null : matches.get(0);
    }

    /**
     * Takes the claim for the criteria in this transaction. An existing claim is locked first: if its
     * resource committed after our search, the search now finds it and it is returned; otherwise the claim
     * is stale (its resource was deleted or changed) and is replaced. A concurrent claimer makes the insert
     * fail on the primary key, and the caller retries.
     */
    private StoredResource claim(String type, String key, Map<String, List<String>> criteria, String what) {
        boolean claimed = entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT res_pid FROM conditional_claim"
                    + " WHERE res_type = ? AND criteria_hash = ? FOR UPDATE")) {
                select.setString(1, type);
                select.setString(2, key);
                try (ResultSet result = select.executeQuery()) {
                    return result.next();
                }
            }
        });
        if (claimed) {
            StoredResource existing = singleMatch(type, criteria, what);
            if (existing != null) {
                return existing;
            }
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            if (claimed) {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM conditional_claim WHERE res_type = ? AND criteria_hash = ?")) {
                    delete.setString(1, type);
                    delete.setString(2, key);
                    delete.executeUpdate();
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO conditional_claim (res_type, criteria_hash) VALUES (?, ?)")) {
                insert.setString(1, type);
                insert.setString(2, key);
                insert.executeUpdate();
            } catch (SQLException e) {
                // Caught here so the driver's message, which quotes the key, is not logged by Hibernate.
                if (e.getSQLState() != null && RACE_SQL_STATES.contains(e.getSQLState())) {
                    throw new ClaimTaken(type);
                }
                throw e;
            }
        });
        return null;
    }

    private void recordClaim(String type, String key, long pid) {
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE conditional_claim SET res_pid = ? WHERE res_type = ? AND criteria_hash = ?")) {
                update.setLong(1, pid);
                update.setString(2, type);
                update.setString(3, key);
                update.executeUpdate();
            }
        });
    }

    /** The criteria in a canonical order, hashed: the same criteria written differently share one claim. */
    static String claimKey(String type, Map<String, List<String>> criteria) {
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        criteria.forEach((name, values) -> {
            if (!name.equals("_format")) {
                List<String> copy = new ArrayList<>(values);
                copy.sort(null);
                sorted.put(name, copy);
            }
        });
        StringBuilder canonical = new StringBuilder(type).append('?');
        sorted.forEach((name, values) -> values.forEach(v -> canonical.append(name).append('=').append(v).append('&')));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T retryingOnRace(Supplier<T> attempt) {
        if (QuarkusTransaction.isActive()) {
            return attempt.get();
        }
        for (int tries = 1; ; tries++) {
            try {
                return QuarkusTransaction.requiringNew().call(attempt::get);
            } catch (RuntimeException e) {
                if (tries >= MAX_ATTEMPTS || !lostRace(e)) {
                    throw e;
                }
                backOff(tries);
            }
        }
    }

    /** Another request holds the claim for the same criteria: retried, and 409 if it never clears. */
    static final class ClaimTaken extends ResourceVersionConflictException {
        ClaimTaken(String type) {
            super("A concurrent conditional write of " + type + " with the same criteria is in progress; retry");
        }
    }

    /** A unique-key violation, lock timeout, deadlock or serialization failure: another writer got there first. */
    static boolean lostRace(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClaimTaken) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && RACE_SQL_STATES.contains(sql.getSQLState())) {
                return true;
            }
            if (cause instanceof jakarta.persistence.PessimisticLockException
                    || cause instanceof jakarta.persistence.LockTimeoutException
                    || cause instanceof org.hibernate.exception.ConstraintViolationException
                    || cause instanceof org.hibernate.exception.LockAcquisitionException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static void backOff(int tries) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(2, 10L + 5L * Math.min(tries, 10)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while retrying a conditional write", e);
        }
    }
}
