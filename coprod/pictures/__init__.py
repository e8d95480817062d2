"""The picture library: the bundled OpenMoji symbols and pictures an organisation uploads.

Content names a picture in a string column: a meaning ("vote"), an OpenMoji symbol ("om-1f68c")
or an upload ("upload-12"). Templates call `picture_url(name)` and, where a picture carries
meaning, `picture_alt(name)`.
"""

from coprod.pictures.services import picture_alt, picture_url
from coprod.pictures.symbols import ATTRIBUTION, LICENSE, LICENSE_URL, PICTURES, SOURCE_URL
from coprod.pictures.views import blueprint

__all__ = ["ATTRIBUTION", "LICENSE", "LICENSE_URL", "PICTURES", "SOURCE_URL", "blueprint", "picture_alt",
           "picture_url"]

