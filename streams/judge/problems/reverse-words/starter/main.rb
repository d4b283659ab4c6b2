data = $stdin.read.split
# TODO: Reverse Words in a Line
