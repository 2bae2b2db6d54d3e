package health.ductcare.service;

import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.ductcare.search.SearchService;
import health.ductcare.store.StoredResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Conditional create, update and delete (http.html#ccreate): decide by a search, then act.
 * 0 matches acts as the plain interaction, 1 match uses it, 2 or more is 412.
 */
@ApplicationScoped
public class ConditionalService {

    private final SearchService search;
    private final ResourceService resources;

    public ConditionalService(SearchService search, ResourceService resources) {
        this.search = search;
        this.resources = resources;
    }

    /** If-None-Exist: creates unless exactly one resource matches, which is then returned unchanged. */
    @Transactional
    public WriteResult create(String type, IBaseResource resource, Map<String, List<String>> criteria) {
        List<StoredResource> matches = search.match(type, criteria, 2);
        if (matches.size() > 1) {
            throw new PreconditionFailedException("If-None-Exist criteria match more than one " + type);
        }
        if (matches.size() == 1) {
            return new WriteResult(matches.get(0), null, false, false);
        }
        return resources.create(type, resource);
    }

    /** PUT [type]?criteria: updates the one match, creates when none matches. */
    @Transactional
    public WriteResult update(String type, IBaseResource resource, Map<String, List<String>> criteria,
            Integer expectedVersion) {
        List<StoredResource> matches = search.match(type, criteria, 2);
        if (matches.size() > 1) {
            throw new PreconditionFailedException("Conditional update criteria match more than one " + type);
        }
        if (matches.isEmpty()) {
            String id = resource.getIdElement().getIdPart();
            return id == null ? resources.create(type, resource) : resources.update(type, id, resource, expectedVersion);
        }
        return resources.update(type, matches.get(0).id(), resource, expectedVersion);
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
}
