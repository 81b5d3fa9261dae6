"""Every file the app keeps, wherever it lives: the record of each file and reading, writing and deleting
through it (`files`), serving an offloaded file by a cached link (`links`), moving heavy files to the remote
store (`offload`), the administrators' figures (`figures`), and backups of the database and the local
files with their retention (`backups`, dumps per database in `dumps`)."""
