package health.ductcare.service;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.ductcare.fhir.ContentNegotiation;
import health.ductcare.search.DatePeriod;
import health.ductcare.store.DirectJdbc;
import health.ductcare.store.ResourceEntity;
import health.ductcare.store.ResourceIds;
import health.ductcare.store.ResourceIndexer;
import health.ductcare.store.ResourceStore;
import health.ductcare.store.ResourceVersionEntity;
import health.ductcare.store.StoredResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Create, read, update, delete and history of any resource type, transport-free. Input is already parsed
 * and validated; every write indexes the resource and tells the change listeners in the same transaction.
 */
@ApplicationScoped
public class ResourceService {

    private final FhirContext context;
    private final ResourceStore store;
    private final ResourceIndexer indexer;
    private final Instance<ResourceChangeListener> listeners;
    private final Clock clock;
    private final DirectJdbc jdbc;

    public ResourceService(FhirContext context, ResourceStore store, ResourceIndexer indexer,
            Instance<ResourceChangeListener> listeners, Clock clock, DirectJdbc jdbc) {
        this.context = context;
        this.store = store;
        this.indexer = indexer;
        this.listeners = listeners;
        this.clock = clock;
        this.jdbc = jdbc;
    }

    @Transactional
    public WriteResult create(String type, IBaseResource resource) {
        return create(type, newId(), resource);
    }

    @Transactional
    public WriteResult create(String type, String id, IBaseResource resource) {
        ResourceEntity current = new ResourceEntity();
        current.type = type;
        current.resourceId = id;
        return write(current, 1, "POST", resource, true);
    }

    /**
     * Update, or create with the client's id when none exists (update-as-create).
     * {@code expectedVersion} (from If-Match) must name the current version, else 412.
     */
    @Transactional
    public WriteResult update(String type, String id, IBaseResource resource, Integer expectedVersion) {
        return update(type, id, resource, expectedVersion, false);
    }

    /**
     * {@link #update(String, String, IBaseResource, Integer)}; with {@code onlyIfAbsent} ({@code If-None-Match: *})
     * a resource that exists and is not deleted is left alone: 412.
     */
    @Transactional
    public WriteResult update(String type, String id, IBaseResource resource, Integer expectedVersion,
            boolean onlyIfAbsent) {
        Optional<ResourceEntity> existing = store.findCurrentForUpdate(type, id);
        if (onlyIfAbsent && existing.isPresent() && !existing.get().deleted) {
            throw new PreconditionFailedException("If-None-Match: * but " + type + "/" + id + " exists (version "
                    + existing.get().version + ")");
        }
        if (existing.isEmpty()) {
            if (expectedVersion != null) {
                throw new PreconditionFailedException("If-Match names version " + expectedVersion + " but "
                        + type + "/" + id + " does not exist");
            }
            ResourceEntity current = new ResourceEntity();
            current.type = type;
            current.resourceId = id;
            return write(current, 1, "PUT", resource, true);
        }
        ResourceEntity current = existing.get();
        checkExpectedVersion(current, expectedVersion);
        return write(current, current.version + 1, "PUT", resource, current.deleted);
    }

    /**
     * Read-modify-write of the current version under its row lock, stored as a new version with method PATCH:
     * {@code patcher} turns the current version into the next content (and validates it). 404 if the resource
     * never existed, 410 if it is deleted, 412 if {@code expectedVersion} is not the current version.
     */
    @Transactional
    public WriteResult patch(String type, String id, Integer expectedVersion,
            Function<StoredResource, IBaseResource> patcher) {
        ResourceEntity current = store.findCurrentForUpdate(type, id)
                .orElseThrow(() -> new ResourceNotFoundException(new IdType(type, id)));
        if (current.deleted) {
            throw new ResourceGoneException("Resource " + type + "/" + id + " was deleted (version "
                    + current.version + ")");
        }
        checkExpectedVersion(current, expectedVersion);
        IBaseResource next = patcher.apply(StoredResource.of(current));
        return write(current, current.version + 1, "PATCH", next, false);
    }

    /** Logical delete: a new version without content. Deleting a deleted resource changes nothing. */
    @Transactional
    public WriteResult delete(String type, String id, Integer expectedVersion) {
        ResourceEntity current = store.findCurrentForUpdate(type, id)
                .orElseThrow(() -> new ResourceNotFoundException(new IdType(type, id)));
        checkExpectedVersion(current, expectedVersion);
        if (current.deleted) {
            return new WriteResult(StoredResource.of(current), null, false, false);
        }
        long now = nextTimestamp(current);
        current.version = current.version + 1;
        current.lastUpdated = now;
        current.deleted = true;
        current.json = null;
        ResourceVersionEntity version = newVersion(current, "DELETE");
        store.persist(current, version);
        indexer.remove(current.pid);
        StoredResource stored = StoredResource.of(current);
        notifyListeners(new ResourceChange(ResourceChange.Kind.DELETE, stored, null));
        return new WriteResult(stored, null, false, true);
    }

    /**
     * The current version; 404 if it never existed, 410 if it is deleted. Inside a transaction (a Bundle's entry,
     * an operation) it sees what that transaction wrote; outside one, the committed row.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public StoredResource read(String type, String id) {
        StoredResource current = (jdbc.inTransaction() ? store.findCurrent(type, id).map(StoredResource::of)
                : store.readCommitted(type, id))
                .orElseThrow(() -> new ResourceNotFoundException(new IdType(type, id)));
        if (current.deleted()) {
            throw new ResourceGoneException("Resource " + type + "/" + id + " was deleted (version "
                    + current.version() + ")");
        }
        return current;
    }

    @Transactional
    public Optional<StoredResource> find(String type, String id) {
        return store.findCurrent(type, id).filter(e -> !e.deleted).map(StoredResource::of);
    }

    /**
     * The current version as committed now, not locked: for deciding whether a write is needed at all. A write
     * decided on it must lock the row ({@link #findForUpdate}) and check that the version is still the one read.
     */
    @Transactional
    public Optional<StoredResource> findCommitted(String type, String id) {
        return store.findCommitted(type, id).filter(stored -> !stored.deleted());
    }

    /**
     * The current version as the database holds it now, its row locked until the transaction ends: for deciding
     * on a write after waiting for a lock (a plain read may return an instance this transaction loaded earlier).
     */
    @Transactional
    public Optional<StoredResource> findForUpdate(String type, String id) {
        return store.findCurrentForUpdate(type, id).filter(e -> !e.deleted).map(StoredResource::of);
    }

    /**
     * The version a vread names by its URL's version id, as the direct vread and a batch's vread entry read it: an
     * id that is no whole number names no version (404), like one that does not exist.
     */
    @Transactional
    public StoredResource vread(String type, String id, String versionId) {
        int version;
        try {
            version = Integer.parseInt(versionId);
        } catch (NumberFormatException e) {
            throw new ResourceNotFoundException("Version '" + ContentNegotiation.sanitize(versionId) + "' of " + type
                    + "/" + id + " does not exist");
        }
        return vread(type, id, version);
    }

    @Transactional
    public StoredResource vread(String type, String id, int version) {
        ResourceVersionEntity entity = store.findVersion(type, id, version)
                .orElseThrow(() -> new ResourceNotFoundException("Version " + version + " of " + type + "/" + id
                        + " does not exist"));
        if (entity.deleted) {
            throw new ResourceGoneException("Version " + version + " of " + type + "/" + id + " is a deletion");
        }
        return StoredResource.of(entity);
    }

    @Transactional
    public HistoryPage history(String type, String id, Instant since, DatePeriod at, Long beforePid,
            Set<String> hiddenTypes, int count) {
        if (id != null) {
            store.findCurrent(type, id).orElseThrow(() -> new ResourceNotFoundException(new IdType(type, id)));
        }
        Long sinceMillis = since == null ? null : since.toEpochMilli();
        ResourceStore.MillisPeriod atMillis = at == null ? null
                : new ResourceStore.MillisPeriod(at.first().toEpochMilli(), at.last().toEpochMilli());
        List<StoredResource> versions = store.history(type, id, sinceMillis, atMillis, beforePid, hiddenTypes,
                count + 1).stream().map(StoredResource::of).toList();
        long total = store.countHistory(type, id, sinceMillis, atMillis, hiddenTypes);
        boolean more = versions.size() > count;
        return new HistoryPage(more ? versions.subList(0, count) : versions, total, more);
    }

    /** When the resource was first received: the time of its version 1. */
    @Transactional
    public Optional<Instant> firstVersionTime(String type, String id) {
        return store.firstVersionMillis(type, id).map(Instant::ofEpochMilli);
    }

    /** The version before the given one, with content (for the subject of a deleted resource). */
    @Transactional
    public Optional<StoredResource> previousVersion(StoredResource version) {
        for (int v = version.version() - 1; v >= 1; v--) {
            Optional<ResourceVersionEntity> candidate = store.findVersion(version.type(), version.id(), v);
            if (candidate.isPresent() && !candidate.get().deleted) {
                return candidate.map(StoredResource::of);
            }
        }
        return Optional.empty();
    }

    public record HistoryPage(List<StoredResource> versions, long total, boolean hasMore) {
    }

    private WriteResult write(ResourceEntity current, int newVersion, String method, IBaseResource resource,
            boolean created) {
        long now = nextTimestamp(current);
        stamp(resource, current.type, current.resourceId, newVersion, now);
        current.version = newVersion;
        current.lastUpdated = now;
        current.deleted = false;
        current.json = context.newJsonParser().encodeResourceToString(resource);
        ResourceVersionEntity version = newVersion(current, method);
        store.persist(current, version);
        indexer.index(current.pid, current.type, resource);
        StoredResource stored = StoredResource.of(current);
        notifyListeners(new ResourceChange(
                created ? ResourceChange.Kind.CREATE : ResourceChange.Kind.UPDATE, stored, resource));
        return new WriteResult(stored, resource, created, true);
    }

    private void stamp(IBaseResource resource, String type, String id, int version, long lastUpdatedMillis) {
        Resource r4 = (Resource) resource;
        r4.setId(new IdType(type, id));
        r4.getMeta().setVersionId(Integer.toString(version));
        r4.getMeta().setLastUpdated(new Date(lastUpdatedMillis));
    }

    private ResourceVersionEntity newVersion(ResourceEntity current, String method) {
        ResourceVersionEntity version = new ResourceVersionEntity();
        version.type = current.type;
        version.resourceId = current.resourceId;
        version.version = current.version;
        version.lastUpdated = current.lastUpdated;
        version.deleted = current.deleted;
        version.method = method;
        version.json = current.json;
        return version;
    }

    /** Millisecond time that never goes backwards for one resource, so its history stays ordered. */
    private long nextTimestamp(ResourceEntity current) {
        long now = Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toEpochMilli();
        return current.pid == null ? now : Math.max(now, current.lastUpdated + 1);
    }

    private static void checkExpectedVersion(ResourceEntity current, Integer expectedVersion) {
        if (expectedVersion != null && expectedVersion != current.version) {
            throw new PreconditionFailedException("Version conflict: If-Match names version " + expectedVersion
                    + " but the current version of " + current.type + "/" + current.resourceId + " is "
                    + current.version);
        }
    }

    private void notifyListeners(ResourceChange change) {
        for (ResourceChangeListener listener : listeners) {
            listener.onChange(change);
        }
    }

    public static String newId() {
        return ResourceIds.newId();
    }
}
