package health.ductcare.service;

import health.ductcare.store.StoredResource;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** A write that just happened: the new version, and the resource itself unless it was a delete. */
public record ResourceChange(Kind kind, StoredResource stored, IBaseResource resource) {

    public enum Kind { CREATE, UPDATE, DELETE }

    public String type() {
        return stored.type();
    }
}
