package health.ductcare.fhir;

import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Resource;

/** Compares what two resources say, leaving aside what storage stamps on them (id, meta). */
public final class ResourceContent {

    private ResourceContent() {
    }

    public static boolean same(Resource stored, Resource candidate) {
        Resource a = stored.copy();
        Resource b = candidate.copy();
        a.setMeta(null);
        b.setMeta(null);
        a.setId((String) null);
        b.setId((String) null);
        return a.equalsDeep(b);
    }

    /**
     * {@link #same} for a stored resource parsed without its narrative ({@link StoredNarrative}), whose narrative is
     * compared as stored text. Copies nothing: both resources must belong to the caller alone, because their id,
     * meta and narrative are set aside during the comparison (and put back before it returns).
     */
    public static boolean same(DomainResource storedWithoutNarrative, StoredNarrative storedNarrative,
            DomainResource candidate) {
        if (!storedNarrative.sameAs(candidate.getText())) {
            return false;
        }
        SetAside stored = SetAside.of(storedWithoutNarrative);
        SetAside planned = SetAside.of(candidate);
        try {
            return storedWithoutNarrative.equalsDeep(candidate);
        } finally {
            stored.restore(storedWithoutNarrative);
            planned.restore(candidate);
        }
    }

    private record SetAside(IdType id, Meta meta, Narrative text) {

        static SetAside of(DomainResource resource) {
            SetAside aside = new SetAside(resource.getIdElement(), resource.hasMeta() ? resource.getMeta() : null,
                    resource.hasText() ? resource.getText() : null);
            resource.setIdElement(null);
            resource.setMeta(null);
            resource.setText(null);
            return aside;
        }

        void restore(DomainResource resource) {
            resource.setIdElement(id);
            resource.setMeta(meta);
            resource.setText(text);
        }
    }
}
