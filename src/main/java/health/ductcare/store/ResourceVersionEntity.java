package health.ductcare.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One version of a resource, as history keeps it; a delete is a version without JSON. */
@Entity
@Table(name = "resource_version")
public class ResourceVersionEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long pid;

    @Column(name = "res_pid", nullable = false)
    public long resourcePid;

    @Column(name = "res_type", nullable = false)
    public String type;

    @Column(name = "res_id", nullable = false)
    public String resourceId;

    @Column(nullable = false)
    public int version;

    @Column(name = "last_updated", nullable = false)
    public long lastUpdated;

    @Column(nullable = false)
    public boolean deleted;

    @Column(nullable = false)
    public String method;

    @Column(name = "json")
    public String json;
}
