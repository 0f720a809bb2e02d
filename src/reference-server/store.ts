import type { ResourceTypeDefinition } from './schemas.js';
import type { JsonObject } from './values.js';

export interface StoredResource {
  id: string;
  resourceType: ResourceTypeDefinition;
  /** Validated attributes in canonical case, including write-only ones such as password. */
  attributes: JsonObject;
  created: string;
  lastModified: string;
  /** Bumped on every change; published as the weak ETag `W/"<version>"`. */
  version: number;
}

/** In-memory resources per type. A Map keeps insertion order, which makes paging stable. */
export class ResourceStore {
  private readonly resources = new Map<string, Map<string, StoredResource>>();

  list(resourceType: ResourceTypeDefinition): StoredResource[] {
    return [...this.collection(resourceType).values()];
  }

  get(resourceType: ResourceTypeDefinition, id: string): StoredResource | undefined {
    return this.collection(resourceType).get(id);
  }

  /** Finds a resource of any type, e.g. to resolve a group member. */
  find(id: string): StoredResource | undefined {
    for (const collection of this.resources.values()) {
      const found = collection.get(id);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  save(resource: StoredResource): void {
    this.collection(resource.resourceType).set(resource.id, resource);
  }

  delete(resourceType: ResourceTypeDefinition, id: string): boolean {
    return this.collection(resourceType).delete(id);
  }

  clear(): void {
    this.resources.clear();
  }

  private collection(resourceType: ResourceTypeDefinition): Map<string, StoredResource> {
    let collection = this.resources.get(resourceType.name);
    if (collection === undefined) {
      collection = new Map();
      this.resources.set(resourceType.name, collection);
    }
    return collection;
  }
}
