package health.ductcare.service;

import health.ductcare.store.StoredResource;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The outcome of a write: the stored version, the resource as stored (null for a delete), whether a new
 * resource was created and whether anything changed at all (a conditional create that matched did not).
 */
public record WriteResult(StoredResource stored, IBaseResource resource, boolean created, boolean changed) {

    public int status() {
        return created ? 201 : 200;
    }
}
