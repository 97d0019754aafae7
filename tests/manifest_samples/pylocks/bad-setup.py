from distutils.core import setup

print "building"
setup(name="old", install_requires=["six"])
