package health.ductcare.store;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** Stands in until a real index is wired; search then supports only what needs no index. */
@DefaultBean
@ApplicationScoped
public class NoIndexing implements ResourceIndexer {

    @Override
    public void index(long pid, String type, IBaseResource resource) {
    }

    @Override
    public void remove(long pid) {
    }
}
