package health.ductcare.store;

import org.hl7.fhir.instance.model.api.IBaseResource;

/** Keeps the search index of a resource in step with its current version, in the writing transaction. */
public interface ResourceIndexer {

    /** Replaces the index rows of the resource with {@code pid} by those of {@code resource}. */
    void index(long pid, String type, IBaseResource resource);

    /** Removes the index rows of a deleted resource. */
    void remove(long pid);
}
