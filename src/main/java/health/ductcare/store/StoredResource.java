package health.ductcare.store;

import java.time.Instant;

/**
 * One version of a resource as the store holds it: identity, version, time and its FHIR JSON. {@code versionPid}
 * is the key of the history row (0 for a current-version row).
 */
public record StoredResource(long pid, long versionPid, String type, String id, int version, Instant lastUpdated, boolean deleted,
        String method, String json) {

    public static StoredResource of(ResourceEntity entity) {
        return new StoredResource(entity.pid, 0L, entity.type, entity.resourceId, entity.version,
                Instant.ofEpochMilli(entity.lastUpdated), entity.deleted, null, entity.json);
    }

    public static StoredResource of(ResourceVersionEntity entity) {
        return new StoredResource(entity.resourcePid, entity.pid, entity.type, entity.resourceId, entity.version,
                Instant.ofEpochMilli(entity.lastUpdated), entity.deleted, entity.method, entity.json);
    }

    public String etag() {
        return "W/\"" + version + "\"";
    }

    public String versionlessReference() {
        return type + "/" + id;
    }
}
