"""File storage for every upload in the product: `store_upload` checks and stores a file,
`send_stored` serves it as an attachment, `delete_stored` removes it. Files live in a local
folder outside the web root (CRM_STORAGE_DIR, default instance/files); see settings.py.
Files of important records are stored encrypted (crypto.py)."""

from crm.storage.files import (
    StoredFile,
    UploadRefused,
    delete_stored,
    is_encrypted,
    send_stored,
    set_encrypted,
    store_upload,
)

__all__ = ["StoredFile", "UploadRefused", "delete_stored", "is_encrypted", "send_stored",
           "set_encrypted", "store_upload"]
