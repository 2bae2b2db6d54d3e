package health.ductcare.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * A searchset or history Bundle whose entries' resources are still the stored JSON of their versions, each exactly
 * as HAPI's JSON parser encoded it (with id and meta). {@link #parse} makes it an ordinary Bundle;
 * {@link FhirWriter#encodeJson(UnparsedBundle)} writes it as JSON without parsing them.
 */
public final class UnparsedBundle {

    private final Bundle bundle;
    private final List<String> storedJson = new ArrayList<>();

    public UnparsedBundle(Bundle.BundleType type) {
        this.bundle = new Bundle().setType(type);
    }

    /**
     * The Bundle without the stored resources: its type, total and links, and the entries' other elements. Entries
     * are added with {@link #addEntry} only.
     */
    public Bundle skeleton() {
        return bundle;
    }

    /**
     * Adds an entry whose resource is {@code json}, the stored JSON of a resource version; with {@code null} the
     * entry has no resource (a deleted version) or the one set on it (a search's OperationOutcome).
     */
    public Bundle.BundleEntryComponent addEntry(String json) {
        storedJson.add(json);
        return bundle.addEntry();
    }

    /** The stored JSON of entry {@code index}, or null. */
    String storedJson(int index) {
        return storedJson.get(index);
    }

    int size() {
        requireAligned();
        return storedJson.size();
    }

    /** The Bundle with each stored resource parsed into its entry: the skeleton becomes the whole Bundle. */
    public Bundle parse(FhirContext context) {
        requireAligned();
        IParser parser = context.newJsonParser();
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        for (int i = 0; i < entries.size(); i++) {
            String json = storedJson.get(i);
            if (json != null) {
                entries.get(i).setResource((Resource) parser.parseResource(json));
            }
        }
        storedJson.replaceAll(json -> null);
        return bundle;
    }

    private void requireAligned() {
        if (bundle.getEntry().size() != storedJson.size()) {
            throw new IllegalStateException("Bundle entries must be added with UnparsedBundle.addEntry");
        }
    }
}
