package health.ductcare.service;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.ductcare.fhir.ContentNegotiation;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.TreeSet;

/** The R4 resource types the generic store serves: all of them. */
@Singleton
public class ResourceTypes {

    private final Set<String> names;

    public ResourceTypes(FhirContext context) {
        this.names = new TreeSet<>(context.getResourceTypes());
    }

    public Set<String> all() {
        return names;
    }

    public boolean isKnown(String type) {
        return names.contains(type);
    }

    public String requireKnown(String type) {
        if (!isKnown(type)) {
            throw new ResourceNotFoundException("Unknown resource type '" + ContentNegotiation.sanitize(type)
                    + "': not an R4 resource type");
        }
        return type;
    }
}
