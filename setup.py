from setuptools import find_packages, setup

setup(
    name='tricks_mm',
    version='0.1.0',
    description='Bag of Tricks for Image Classification (He et al., 2019) for OpenMMLab',
    packages=find_packages(include=['tricks_mm', 'tricks_mm.*']),
    python_requires='>=3.9',
    install_requires=[
        'torch>=2.5,<=2.14.1',
        'torchvision>=0.20,<=0.29.1',
        'mmengine==0.10.7',
        'mmcv>=2.0.0,<2.2.0',
        'mmdet==3.3.0',
        'mmsegmentation==1.2.2',
        'mmpretrain==1.2.0',
        'ftfy',
        'regex',
        'numpy>=1.24,<2.3',
    ],
)
