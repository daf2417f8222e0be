"""Object storage: where generated images (and other media) live, behind one protocol.

Two backends, chosen by ``ICOP_STORAGE_BACKEND``: a local directory under ``ICOP_HOME`` served
by the API with expiring HMAC-signed URLs (the embedded default), and S3 or any S3-compatible
store through boto3. Keys are per tenant and content-addressed, so storing the same bytes twice
is one object and a retried workflow step cannot leave duplicates behind.
"""

from icop.storage.base import ObjectNotFound, ObjectStore, StorageError, StoredObject
from icop.storage.factory import build_object_store
from icop.storage.keys import object_key, validate_key
from icop.storage.settings import StorageSettings

__all__ = [
    "ObjectNotFound",
    "ObjectStore",
    "StorageError",
    "StorageSettings",
    "StoredObject",
    "build_object_store",
    "object_key",
    "validate_key",
]
