package health.ductcare.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The current version of one logical resource; its JSON is kept here too so a read is one lookup. */
@Entity
@Table(name = "resource")
public class ResourceEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long pid;

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

    @Column(name = "json")
    public String json;
}
