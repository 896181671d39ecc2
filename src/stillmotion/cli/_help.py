"""Help texts that several commands share."""

#: The photo formats every command reads (stillmotion.io.image; BMP too).
PHOTO_FORMATS = "PNG, JPEG, WebP, TIFF, HEIC, BMP"
#: The help of a command's photo argument.
PHOTO_HELP = f"the photo ({PHOTO_FORMATS})"
