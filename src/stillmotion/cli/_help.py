"""Help texts that several commands share."""

#: The photo formats every command reads (stillmotion.io.image; BMP too).
PHOTO_FORMATS = "PNG, JPEG, WebP, TIFF, HEIC, BMP"
#: The help of a command's photo argument.
PHOTO_HELP = f"the photo ({PHOTO_FORMATS})"
#: The help of ``-o`` of a command writing one image made from its photo(s).
IMAGE_OUTPUT_HELP = "output image (.png, .jpg, .webp, .tif); .png and .tif keep 16 bits per channel of a 16-bit photo"
